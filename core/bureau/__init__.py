"""Bureau data: the bureau's settings, registered policy versions, bureau criteria and the working-day calendar."""
