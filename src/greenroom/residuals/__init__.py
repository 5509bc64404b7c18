"""The residuals engine: titles + engagements + exhibitions -> residual lines with explanations."""
