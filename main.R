# The main job: the seed multi-class MLP ("Guide to the Sequential model"), end to end from R.
library(rkbridge)
set.seed(1)
x_train <- matrix(runif(1000 * 20), nrow = 1000, ncol = 20)
y_train <- runif(1000, min = 0, max = 9) %>% round() %>% matrix(nrow = 1000, ncol = 1) %>%
  to_categorical(num_classes = 10)
x_test <- matrix(runif(100 * 20), nrow = 100, ncol = 20)
y_test <- runif(100, min = 0, max = 9) %>% round() %>% matrix(nrow = 100, ncol = 1) %>%
  to_categorical(num_classes = 10)

model <- keras_model_sequential()
model %>%
  layer_dense(units = 64, activation = "relu", input_shape = c(20)) %>%
  layer_dropout(rate = 0.5) %>%
  layer_dense(units = 64, activation = "relu") %>%
  layer_dropout(rate = 0.5) %>%
  layer_dense(units = 10, activation = "softmax") %>%
  compile(loss = "categorical_crossentropy",
          optimizer = optimizer_sgd(learning_rate = 0.01, momentum = 0.9, nesterov = TRUE),
          metrics = c("accuracy"))
summary(model)

history <- model %>% fit(x_train, y_train, epochs = 20, batch_size = 128, verbose = 2)
print(history)

score <- model %>% evaluate(x_test, y_test, batch_size = 128, verbose = 0)
cat("\nTest evaluation:\n")
str(score)
