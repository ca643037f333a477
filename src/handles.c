/* The Python id() of the object behind a reticulate handle, read without calling into
 * Python: a handle is an environment whose `pyobj` binding is an external pointer to the
 * PyObject, and CPython's id() is that address (reticulate::py_id() gives it as a decimal
 * string). R/reticulate-compat.R (handle_id()) uses it only where it agrees with py_id(). */
#include <inttypes.h>
#include <stdio.h>
#include <R.h>
#include <Rinternals.h>

/* NULL for a handle whose pointer is gone (an object from another session), NA for
 * anything not laid out as described. */
SEXP rk_py_id(SEXP x) {
  if (TYPEOF(x) != ENVSXP) return Rf_ScalarString(NA_STRING);
  SEXP p = Rf_findVarInFrame3(x, Rf_install("pyobj"), TRUE);
  if (TYPEOF(p) != EXTPTRSXP) return Rf_ScalarString(NA_STRING);
  void *a = R_ExternalPtrAddr(p);
  if (a == NULL) return R_NilValue;
  char buf[32];
  snprintf(buf, sizeof buf, "%" PRIuPTR, (uintptr_t)a);
  return Rf_mkString(buf);
}
