"""Review: the workflow state machine, calls and batches, expert review and the decision."""
