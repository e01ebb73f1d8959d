"""The performance benchmark behind ``make bench`` (issue 5).

Everything here is measured as a *ratio* against Rasa's own starter assistant
(``rasa init``) driven with the same load in the same run: this machine's two
cores are shared, so absolute milliseconds move from run to run, while "ours
divided by stock Rasa, measured side by side" stays meaningful.

- ``stats``: percentiles, throughput, ratios, the targets and the JSON report
  (pure functions, unit-tested in tests/test_bench.py);
- ``conversations``: the simulated customers' scripts, for calmdesk and for the
  starter bot, with the same number of turns;
- ``load``: the asyncio load driver over the REST channel, the process-tree
  memory sampler and the py-spy profile summary.

``scripts/bench.py`` starts the servers, runs the phases and prints the table.
"""
