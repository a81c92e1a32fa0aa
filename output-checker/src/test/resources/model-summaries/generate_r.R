# Writes model summaries exactly as R prints them (test fixtures for DofCheck).
# Run by generate.sh with Debian's Rscript (r-base-core, r-cran-survival). The tests read the
# committed outputs and need no R.
library(survival)
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
set.seed(20261203)
make <- function(n) {
  age <- sample(20:89, n, replace = TRUE)
  sex <- sample(0:1, n, replace = TRUE)
  bmi <- round(rnorm(n, 23, 3), 1)
  smoker <- sample(0:1, n, replace = TRUE)
  hba1c <- round(5 + 0.02 * age + 0.3 * sex + 0.05 * bmi + 0.2 * smoker + rnorm(n, 0, 0.5), 2)
  event <- as.integer(runif(n) < 1 / (1 + exp(-(hba1c - 7))))
  time <- round(rexp(n, 0.01 * exp(0.3 * sex)) + 1)
  data.frame(age, sex, bmi, smoker, hba1c, event, time)
}
write <- function(name, obj) {
  con <- file(file.path(out, name), open = "w", encoding = "UTF-8")
  writeLines(capture.output(print(obj)), con)
  close(con)
}
small <- make(12); large <- make(400)
write("r_lm_small.txt", summary(lm(hba1c ~ age + sex + bmi + smoker, data = small)))
write("r_lm_large.txt", summary(lm(hba1c ~ age + sex + bmi + smoker, data = large)))
write("r_glm_binomial_small.txt", summary(glm(event ~ age + bmi, family = binomial, data = make(10))))
write("r_glm_binomial_large.txt", summary(glm(event ~ age + bmi, family = binomial, data = large)))
cox_small <- make(30); cox_small$status <- as.integer(runif(30) < 0.3)
write("r_coxph_small.txt", summary(coxph(Surv(time, status) ~ age + sex + bmi, data = cox_small)))
cox_large <- make(400); cox_large$status <- as.integer(runif(400) < 0.4)
write("r_coxph_large.txt", summary(coxph(Surv(time, status) ~ age + sex + bmi, data = cox_large)))
# print(fit) without summary(): lm's and glm's short forms.
write("r_glm_print_small.txt", glm(event ~ age + bmi, family = binomial, data = make(10)))
