"""Q-Kids Studio: an educational quantum game on LLM OS (blocks compiled to circuits, kid-safe agents)."""
