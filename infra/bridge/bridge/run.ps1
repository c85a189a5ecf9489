# The Teams admin bridge (contract: docs/teams-admin-bridge.md): the application-instance cmdlets Graph lacks, over
# HTTPS JSON. App Service Authentication validates the caller's Entra token (audience api://teams-admin-bridge) before
# this runs; here we check the app role and that the token's tenant is the tenant in the path, open (or reuse) a Teams
# session for that tenant, run the cmdlet and answer in the contract's shapes and error codes.
#
# APS mappings: no public cmdlet reads them back, so the bridge records each mapping it makes (Sync-…) in the table
# `apsMappings` of its own storage account, and the sync reads answer from that record.
using namespace System.Net
param($Request, $TriggerMetadata)

$ErrorActionPreference = 'Stop'
$EmptyGuid = '00000000-0000-0000-0000-000000000000'

function Send([int]$Status, $Body, [hashtable]$Headers = @{}) {
    $Headers['Content-Type'] = 'application/json'
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
            StatusCode = $Status
            Headers    = $Headers
            Body       = ($Body | ConvertTo-Json -Depth 6 -Compress)
        })
}

$StatusOf = @{ NotFound = 404; AlreadyExists = 409; Conflict = 409; InvalidDomain = 400; BadRequest = 400;
    Throttled = 429; ServiceUnavailable = 503; Unauthorized = 401; Forbidden = 403 }

function Fail([string]$Code, [string]$Message, [string]$Cmdlet, [int]$RetryAfter = 0) {
    $headers = @{}
    if ($RetryAfter -gt 0) { $headers['Retry-After'] = "$RetryAfter" }
    Send $StatusOf[$Code] @{ error = @{ code = $Code; message = $Message; cmdlet = $Cmdlet } } $headers
}

# Maps a cmdlet failure to the contract's codes (messages are the cmdlets' own).
function Classify($ErrorRecord, [string]$Cmdlet) {
    $m = "$($ErrorRecord.Exception.Message)"
    if ($m -match 'already been added|same value for property userPrincipalName|already exists') { return Fail 'AlreadyExists' $m $Cmdlet }
    if ($m -match 'not found|Management object not found|does not exist') { return Fail 'NotFound' $m $Cmdlet }
    if ($m -match 'verified domain|domain .* not') { return Fail 'InvalidDomain' $m $Cmdlet }
    if ($m -match 'already assigned') { return Fail 'Conflict' $m $Cmdlet }
    if ($m -match 'throttl|too many requests|429') { return Fail 'Throttled' $m $Cmdlet 30 }
    if ($m -match 'unavailable|try again|timed? ?out|50[234]') { return Fail 'ServiceUnavailable' $m $Cmdlet 10 }
    return Fail 'BadRequest' $m $Cmdlet
}

function Instance($i, [string]$TenantId) {
    $number = if ($i.PhoneNumber) { "$($i.PhoneNumber)" } else { $null }
    $appId = if ($i.ApplicationId -and "$($i.ApplicationId)" -ne $EmptyGuid) { "$($i.ApplicationId)" } else { $null }
    @{ objectId = "$($i.ObjectId)"; tenantId = $TenantId; userPrincipalName = $i.UserPrincipalName
        applicationId = $appId; displayName = $i.DisplayName; phoneNumber = $number }
}

# --- the bridge's record of APS mappings (Table storage over REST, with the app's managed identity) -------------
function StorageToken {
    $uri = "$($env:IDENTITY_ENDPOINT)?resource=https://storage.azure.com/&api-version=2019-08-01"
    if ($env:AZURE_CLIENT_ID) { $uri += "&client_id=$($env:AZURE_CLIENT_ID)" }
    (Invoke-RestMethod -Uri $uri -Headers @{ 'X-IDENTITY-HEADER' = $env:IDENTITY_HEADER }).access_token
}
function TableHeaders { @{ Authorization = "Bearer $(StorageToken)"; 'x-ms-version' = '2020-12-06'; Accept = 'application/json;odata=nometadata' } }
$TableUrl = "https://$($env:BRIDGE_STORAGE_ACCOUNT).table.core.windows.net/apsMappings"

function Get-Mapping([string]$TenantId, [string]$ObjectId) {
    try {
        $e = Invoke-RestMethod -Uri "$TableUrl(PartitionKey='$TenantId',RowKey='$ObjectId')" -Headers (TableHeaders)
        return @{ objectId = $ObjectId; applicationId = $e.ApplicationId; synced = [bool]$e.ApplicationId }
    } catch {
        if ($_.Exception.Response.StatusCode.value__ -eq 404) { return @{ objectId = $ObjectId; applicationId = $null; synced = $false } }
        throw
    }
}
function Set-Mapping([string]$TenantId, [string]$ObjectId, [string]$AppId) {
    $body = @{ PartitionKey = $TenantId; RowKey = $ObjectId; ApplicationId = $AppId } | ConvertTo-Json -Compress
    $headers = TableHeaders; $headers['Content-Type'] = 'application/json'
    Invoke-RestMethod -Method Put -Uri "$TableUrl(PartitionKey='$TenantId',RowKey='$ObjectId')" -Headers $headers -Body $body | Out-Null
}

# --- caller checks ----------------------------------------------------------------------------------------------
$tenantId = "$($Request.Params.tenantId)".ToLowerInvariant()
$rest = "$($Request.Params.rest)"
$principalHeader = $Request.Headers['X-MS-CLIENT-PRINCIPAL']
if (-not $principalHeader) { return Fail 'Unauthorized' 'A bearer token for api://teams-admin-bridge is required.' $null }
$claims = ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($principalHeader)) | ConvertFrom-Json).claims
$roles = @($claims | Where-Object { $_.typ -eq 'roles' } | ForEach-Object { $_.val })
$tid = ($claims | Where-Object { $_.typ -in 'http://schemas.microsoft.com/identity/claims/tenantid', 'tid' } | Select-Object -First 1).val
if ($roles -notcontains 'TeamsAdmin.Bridge' -or "$tid".ToLowerInvariant() -ne $tenantId) {
    return Fail 'Forbidden' 'The token lacks the TeamsAdmin.Bridge role for this tenant.' $null
}

# --- one Teams session per worker, for the tenant in hand -------------------------------------------------------
if ($global:BridgeTenant -ne $tenantId) {
    if ($global:BridgeTenant) { Disconnect-MicrosoftTeams | Out-Null }
    Connect-MicrosoftTeams -TenantId $tenantId -ApplicationId $env:BRIDGE_APP_ID `
        -CertificateThumbprint $env:BRIDGE_CERTIFICATE_THUMBPRINT | Out-Null
    $global:BridgeTenant = $tenantId
}

$body = $Request.Body
$method = $Request.Method.ToUpperInvariant()
$segments = @($rest -split '/' | Where-Object { $_ })

try {
    switch -Regex ("$method $rest") {
        '^POST applicationInstances/?$' {
            $cmdlet = 'New-CsOnlineApplicationInstance'
            if (-not $body.userPrincipalName -or -not $body.displayName -or -not ($body.applicationId -as [guid])) {
                return Fail 'BadRequest' 'Body must be {userPrincipalName, displayName, applicationId (GUID)}.' $cmdlet
            }
            $i = New-CsOnlineApplicationInstance -UserPrincipalName $body.userPrincipalName `
                -DisplayName $body.displayName -ApplicationId $body.applicationId
            return Send 201 (Instance $i $tenantId)
        }
        '^POST applicationInstances:batchGet$' {
            $cmdlet = 'Get-CsOnlineApplicationInstance'
            $ids = @($body.identities)
            if ($ids.Count -gt 100) { return Fail 'BadRequest' 'At most 100 identities per batch.' $cmdlet }
            $found = @(); $missing = @()
            foreach ($id in $ids) {
                try { $found += Instance (Get-CsOnlineApplicationInstance -Identity $id) $tenantId }
                catch { if ("$($_.Exception.Message)" -match 'not found|does not exist') { $missing += $id } else { throw } }
            }
            return Send 200 @{ value = $found; notFound = $missing }
        }
        '^POST applicationInstances/sync:batchGet$' {
            $cmdlet = 'Sync-CsOnlineApplicationInstance'
            $ids = @($body.identities)
            if ($ids.Count -gt 100) { return Fail 'BadRequest' 'At most 100 identities per batch.' $cmdlet }
            $value = @(); $missing = @()
            foreach ($id in $ids) {
                try {
                    $i = Get-CsOnlineApplicationInstance -Identity $id
                    $value += Get-Mapping $tenantId "$($i.ObjectId)"
                } catch { if ("$($_.Exception.Message)" -match 'not found|does not exist') { $missing += $id } else { throw } }
            }
            return Send 200 @{ value = $value; notFound = $missing }
        }
        '^GET applicationInstances/[^/]+/sync$' {
            $cmdlet = 'Sync-CsOnlineApplicationInstance'
            $i = Get-CsOnlineApplicationInstance -Identity $segments[1]
            return Send 200 (Get-Mapping $tenantId "$($i.ObjectId)")
        }
        '^POST applicationInstances/[^/]+/sync$' {
            $cmdlet = 'Sync-CsOnlineApplicationInstance'
            $i = Get-CsOnlineApplicationInstance -Identity $segments[1]
            $appId = if ($body.applicationId) { "$($body.applicationId)" } else { "$($i.ApplicationId)" }
            if (-not ($appId -as [guid]) -or $appId -eq $EmptyGuid) {
                return Fail 'BadRequest' 'The instance has no ApplicationId to sync.' $cmdlet
            }
            try {
                Sync-CsOnlineApplicationInstance -ObjectId $i.ObjectId -ApplicationId $appId | Out-Null
            } catch {
                if ("$($_.Exception.Message)" -match 'already been added') {
                    # The mapping exists: record what we know it to be, and answer as the contract says.
                    if ((Get-Mapping $tenantId "$($i.ObjectId)").applicationId -ne $appId) { Set-Mapping $tenantId "$($i.ObjectId)" $appId }
                }
                throw
            }
            Set-Mapping $tenantId "$($i.ObjectId)" $appId
            return Send 200 @{ objectId = "$($i.ObjectId)"; applicationId = $appId; synced = $true }
        }
        '^GET applicationInstances/[^/]+$' {
            $cmdlet = 'Get-CsOnlineApplicationInstance'
            return Send 200 (Instance (Get-CsOnlineApplicationInstance -Identity $segments[1]) $tenantId)
        }
        '^PATCH applicationInstances/[^/]+$' {
            $cmdlet = 'Set-CsOnlineApplicationInstance'
            $params = @{ Identity = $segments[1] }
            if ($body.PSObject.Properties.Name -contains 'applicationId') { $params.ApplicationId = $body.applicationId }
            if ($body.PSObject.Properties.Name -contains 'displayName') { $params.DisplayName = $body.displayName }
            if ($body.PSObject.Properties.Name -contains 'onpremPhoneNumber') { $params.OnpremPhoneNumber = $body.onpremPhoneNumber }
            $i = Set-CsOnlineApplicationInstance @params
            if ($params.ContainsKey('ApplicationId')) { Set-Mapping $tenantId "$($i.ObjectId)" '' } # a new app id clears APS
            return Send 200 (Instance (Get-CsOnlineApplicationInstance -Identity $segments[1]) $tenantId)
        }
        default { return Fail 'NotFound' "No bridge route for $method $rest." $null }
    }
} catch {
    return Classify $_ $cmdlet
}
