"""``python -m analysis.params``: the make variables, their defaults and meaning (``make help``)."""

from analysis.params.options import help_table

print(help_table())
