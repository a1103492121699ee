"""The build's ordered steps. Each entry names a function ``(con, ctx) -> StepResult``; registry
sources add one line here. Steps run in this order, in one temporary ledger, swapped in at the end.
"""

REGISTRY_STEPS: list[tuple[str, str]] = [
    # (step name, "module:function")
    ("sources", "iceledger.sources.bundled:load_sources"),
    ("geography", "iceledger.sources.geography.load:load_geography"),
    ("population", "iceledger.sources.population:load_population"),
    ("detstats", "iceledger.sources.detention_stats.load:load_detstats"),
    ("facilities", "iceledger.sources.facilities.load:load_facilities"),
    ("g287", "iceledger.sources.g287.load:load_g287"),
    ("jurisdictions", "iceledger.sources.policies:load_jurisdictions"),
    ("policies", "iceledger.sources.policies:load_policies"),
    ("figures", "iceledger.sources.figures:load_figures"),
    ("operations", "iceledger.sources.operations:load_operations"),
    ("cooperation", "iceledger.sources.cooperation.load:load_cooperation"),
]
