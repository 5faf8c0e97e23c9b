"""Platform commands: plugins, create-user, demo."""
COMMANDS: list = []
