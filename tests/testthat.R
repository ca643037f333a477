library(testthat)
library(rkbridge)
if (rkbridge_available()) test_check("rkbridge")
