# ObservatoryBackup: the PowerShell module, pwsh 7.6, the obs-backup CLI, and pg_dump/psql of PostgreSQL
# 18, the newest major, from the PostgreSQL project's apt repository (PGDG): pg_dump dumps servers of its
# own major and every older one, never a newer one, so the newest client backs up every server. The
# default command takes one backup with JSON log lines, so `docker compose --profile backup run --rm
# backup` behaves like the replaced script. Runs as the .NET images' non-root `app` user (UID 1654),
# the user deploy/kubernetes runs it as.
# Not built on the development machines (they run no Docker engine).

# .NET 10's images are Ubuntu 24.04 (noble); the build and the runtime share it, so the native
# executable links against the glibc it runs on.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
# clang links obs-backup's native (AOT) executable
RUN apt-get update && apt-get install -y --no-install-recommends clang && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/ObservatoryBackup.PowerShell -c Release -o /out/module/ObservatoryBackup/0.1.0 -p:DebugType=none \
 && dotnet publish src/ObservatoryBackup.Cli -c Release --use-current-runtime -o /out/cli -p:DebugType=none \
 && dotnet tool install PowerShell --version '7.6.*' --tool-path /out/pwsh

FROM mcr.microsoft.com/dotnet/runtime:10.0-noble
# The PostgreSQL client's major version: the newest there is (see above).
ARG PG_MAJOR=18
# The PGDG repository for this release (its signing key, then the client); libisal2 is ISA-L, which the
# igzip codec loads; ca-certificates for S3 over HTTPS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && . /etc/os-release \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} libisal2 \
 && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

COPY --from=build /out/pwsh /opt/pwsh
COPY --from=build /out/module /usr/local/share/powershell/Modules
# the native executable: no runtime of its own to start
COPY --from=build /out/cli/obs-backup /usr/local/bin/obs-backup
RUN ln -s /opt/pwsh/pwsh /usr/local/bin/pwsh

ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    POWERSHELL_TELEMETRY_OPTOUT=1 \
    OBS_LOG_FORMAT=json \
    OBS_PG_DUMP=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump \
    OBS_PSQL=/usr/lib/postgresql/${PG_MAJOR}/bin/psql

# The .NET images' app user, not root: the tool needs no privileges of its own. By number, so that a
# cluster's runAsNonRoot can check it.
USER 1654
WORKDIR /tmp
ENTRYPOINT []
CMD ["pwsh", "-NoLogo", "-NoProfile", "-Command", "Invoke-ObsBackup | Out-Null"]
