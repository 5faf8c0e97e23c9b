"""The years after recognition: annual statistics returns filed upward and change reports
(issue 16); assessment, rectification and revocation follow (docs/statistics.md)."""
