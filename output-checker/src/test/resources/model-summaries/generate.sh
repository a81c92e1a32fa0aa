#!/usr/bin/env bash
# Regenerates the model-summary fixtures with the real tools (Debian packages):
#   apt-get install -y python3-statsmodels r-base-core r-cran-survival
#   output-checker/src/test/resources/model-summaries/generate.sh
# Tests use the committed outputs only; VERSIONS.txt records what produced them.
set -euo pipefail
cd "$(dirname "$0")"
/usr/bin/python3 generate_statsmodels.py .
Rscript --vanilla generate_r.R .
{
  echo "statsmodels $(/usr/bin/python3 -c 'import statsmodels; print(statsmodels.__version__)')"
  Rscript --vanilla -e 'cat(R.version.string, "\n"); cat("survival", as.character(packageVersion("survival")), "\n")'
} > VERSIONS.txt
