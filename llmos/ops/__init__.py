"""Operations of a long-lived runtime: the scheduler (cron goals, each slot fired exactly once
across servers), the watchdog (run time limits, MCP servers that stop answering) and the start-up
rule for runs whose process died (`interrupted`)."""
