# ObservatoryBackup: the PowerShell module, pwsh 7.6, the obs-backup CLI, and pg_dump/psql of
# PostgreSQL 16 (the spec's server), with ISA-L (libisal2) for gzip. The default command takes one backup with JSON log lines,
# so `docker compose --profile backup run --rm backup` behaves like the replaced script.
# Not built on the development machines (they run no Docker engine).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# clang links obs-backup's native (AOT) executable
RUN apt-get update && apt-get install -y --no-install-recommends clang && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/ObservatoryBackup.PowerShell -c Release -o /out/module/ObservatoryBackup/0.1.0 -p:DebugType=none \
 && dotnet publish src/ObservatoryBackup.Cli -c Release --use-current-runtime -o /out/cli -p:DebugType=none \
 && dotnet tool install PowerShell --version '7.6.*' --tool-path /out/pwsh

# The runtime the module and pwsh run on.
FROM mcr.microsoft.com/dotnet/runtime:10.0-bookworm-slim AS dotnet

# Debian 12 with the PostgreSQL 16 client tools.
FROM postgres:16-bookworm
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
COPY --from=build /out/pwsh /opt/pwsh
COPY --from=build /out/module /usr/local/share/powershell/Modules
# the native executable: no runtime of its own to start
COPY --from=build /out/cli/obs-backup /usr/local/bin/obs-backup
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet \
 && ln -s /opt/pwsh/pwsh /usr/local/bin/pwsh
# ISA-L (libisal.so.2): gzip deflated in under a third of zlib-ng's CPU time; without it
# the tool runs zlib-ng (`obs-backup --version` says which)
RUN apt-get update && apt-get install -y --no-install-recommends libisal2 && rm -rf /var/lib/apt/lists/*

ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    POWERSHELL_TELEMETRY_OPTOUT=1 \
    OBS_LOG_FORMAT=json \
    OBS_PG_DUMP=/usr/lib/postgresql/16/bin/pg_dump \
    OBS_PSQL=/usr/lib/postgresql/16/bin/psql

# The image's postgres user, not root: the tool needs no privileges of its own.
USER postgres
WORKDIR /tmp
ENTRYPOINT []
CMD ["pwsh", "-NoLogo", "-NoProfile", "-Command", "Invoke-ObsBackup | Out-Null"]
