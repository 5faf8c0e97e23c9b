"""Policy commands of CONTRACTS §2–§4: evaluate, notice-period, subsidies."""
COMMANDS: list = []
