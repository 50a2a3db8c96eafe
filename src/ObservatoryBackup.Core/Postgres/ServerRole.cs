namespace ObservatoryBackup.Postgres;

/// <summary>A role of the server as a globals restore finds it.</summary>
/// <param name="Attributes">Which of SUPERUSER, CREATEROLE, REPLICATION and BYPASSRLS it has.</param>
/// <param name="Privileged">Whether it holds such rights, of itself, as a built-in pg_ role, or through its memberships: a member of it gains them.</param>
/// <param name="MemberOf">The roles it is a member of directly.</param>
public sealed record ServerRole(string Name, IReadOnlySet<string> Attributes, bool Privileged, IReadOnlySet<string> MemberOf);
