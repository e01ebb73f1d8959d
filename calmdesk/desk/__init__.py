"""The desk: what happens to a customer's complaint, from the first message to the check-in.

``tickets/`` (filing, reading and after-care of tickets and their remedies), ``incidents/`` (mass
incidents: lifecycle, detection, settings, command line), ``remedies`` (the remedy policy,
policy/remedies.yml) and ``remedy_matching`` (which offered remedy a typed answer picks), ``details``
(order number and email in free text), ``triage`` (priority), ``feedback`` (the 1-5 score, when to
check in), ``references`` ("CD-7K3M9Q", "INC-4QX2ZB") and ``holding`` (keeping complaints while no
action server answers, production profile).
"""
