"""Documents as PDF: the application form, the public notice and the certificate."""
