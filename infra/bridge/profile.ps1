# Runs once per PowerShell worker. The Teams session is opened per customer tenant on first use (run.ps1); nothing
# to do here but fail fast when the bridge's own credential is not configured.
foreach ($name in 'BRIDGE_APP_ID', 'BRIDGE_CERTIFICATE_THUMBPRINT') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "Setting $name is missing (see docs/deploy.md)." }
}
