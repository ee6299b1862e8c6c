"""Render the raw data contract (kpi_pipeline/contract.py) into dbt YAML, a macro and docs
(scripts/write_contract_yaml.py writes them).

The modules, each importing only those below it:
  dbt_yaml.py, macro.py, markdown.py   the rendered files
  rules.py                             a table's and a column's rules as meta and in words
  text.py                              YAML quoting, flow lists, one model's column_checks test
"""
