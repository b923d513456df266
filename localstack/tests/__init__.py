"""Tests of localstack/'s Python: the proxy, the AWS-rules layer and its IAM, seed 002's recipe, the benchmark's
report. They import that code as top-level modules (`proxy`, `aws_rules`, `seed_002`, `benchmark`), so they run
with localstack/ as the top-level directory, as localstack/test.sh runs them:

    .emulator/venv/bin/python -m unittest discover -s localstack/tests -t localstack    (from the repository root)
    ../.emulator/venv/bin/python -m unittest                                             (from localstack/)
"""
