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
  memory sampler and the py-spy profile summary;
- ``bots``: starting and stopping the assistants under test (the starter bot,
  calmdesk's embedded and production stacks) on free ports;
- ``burst``: the outage burst's customers, arrivals and ticket count;
- ``nlu``: the cost of reading one message, in a process of its own;
- ``report``: the console table and targets printed at the end.

``scripts/bench.py`` runs the phases, writes results/bench.json and prints the
report.
"""
