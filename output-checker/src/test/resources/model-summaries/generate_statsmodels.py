"""Writes model summaries exactly as statsmodels prints them (test fixtures for DofCheck).

Run by generate.sh with Debian's /usr/bin/python3 (python3-statsmodels). The tests read the
committed outputs and need neither Python nor statsmodels.
"""
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

out = sys.argv[1]
rng = np.random.default_rng(20261203)


def data(n):
    age = rng.integers(20, 90, n)
    sex = rng.integers(0, 2, n)
    bmi = rng.normal(23, 3, n).round(1)
    smoker = rng.integers(0, 2, n)
    hba1c = (5 + 0.02 * age + 0.3 * sex + 0.05 * bmi + 0.2 * smoker + rng.normal(0, 0.5, n)).round(2)
    event = (rng.random(n) < 1 / (1 + np.exp(-(hba1c - 7)))).astype(int)
    visits = rng.poisson(np.exp(0.5 + 0.01 * age))
    return pd.DataFrame(dict(age=age, sex=sex, bmi=bmi, smoker=smoker, hba1c=hba1c, event=event, visits=visits))


def write(name, text):
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write(str(text) + "\n")


small, large = data(12), data(400)
write("statsmodels_ols_small.txt", smf.ols("hba1c ~ age + sex + bmi + smoker", small).fit().summary())
write("statsmodels_ols_large.txt", smf.ols("hba1c ~ age + sex + bmi + smoker", large).fit().summary())
write("statsmodels_logit_small.txt", smf.logit("event ~ age + bmi", data(11)).fit(disp=0).summary())
write("statsmodels_logit_large.txt", smf.logit("event ~ age + bmi", large).fit(disp=0).summary())
write("statsmodels_glm_poisson_small.txt",
      smf.glm("visits ~ age + sex", data(11), family=sm.families.Poisson()).fit().summary())
write("statsmodels_glm_poisson_large.txt",
      smf.glm("visits ~ age + sex", large, family=sm.families.Poisson()).fit().summary())
# summary2() prints the same facts in another layout ("No. Observations:", "Df Residuals:").
write("statsmodels_ols_summary2_small.txt", smf.ols("hba1c ~ age + sex + bmi + smoker", small).fit().summary2())
