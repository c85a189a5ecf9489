@{
    'MicrosoftTeams' = '6.*'
}
