"""The public side: pages anyone reads without signing in (home, directory, open calls)."""
