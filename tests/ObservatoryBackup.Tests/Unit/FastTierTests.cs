using System.Reflection;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// The fast tier (<c>dotnet test tests/ObservatoryBackup.Tests --filter Tier=Fast</c>) starts no server: no
/// class in it reaches the servers of Fixtures/, as a class or collection fixture, through the collection it
/// is in (its own or its base class's), or by a constructor parameter or field.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class FastTierTests
{
    private static readonly Type[] ServerTypes = [typeof(Servers), typeof(PostgresServer), typeof(S3Server), typeof(FaultyProxy), typeof(LonePostgres)];

    private static readonly Assembly Tests = typeof(FastTierTests).Assembly;

    [Fact]
    public void No_fast_test_uses_a_server()
    {
        var fast = FastClasses().ToList();
        Assert.Contains(typeof(FastTierTests), fast);
        var servers = fast.SelectMany(t => ServerUse(t).Select(why => $"{t.FullName}: {why}")).ToList();
        Assert.True(servers.Count == 0, "the fast tier starts no server, but:\n" + string.Join("\n", servers));
    }

    [Fact]
    public void The_check_knows_a_server_test_when_it_sees_one()
    {
        Assert.Contains($"InTheServersCollection is in the collection {IntegrationCollection.Name}, which shares Servers", ServerUse(typeof(InTheServersCollection)));
        Assert.Contains($"InTheServersCollection is in the collection {IntegrationCollection.Name}, which shares Servers", ServerUse(typeof(DerivedFromOneInIt)));
        Assert.Contains("ServersHost has the fixture Servers", ServerUse(typeof(ServersHost)));
        Assert.Contains("TakesAServer's constructor takes PostgresServer", ServerUse(typeof(TakesAServer)));
        Assert.Empty(ServerUse(typeof(FastTierTests)));
    }

    /// <summary>Classes with the trait, and classes of methods with it.</summary>
    private static IEnumerable<Type> FastClasses() =>
        Tests.GetTypes().Where(t => IsFast(t) || t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Any(IsFast));

    private static bool IsFast(MemberInfo member) =>
        member.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
            && a.ConstructorArguments is [{ Value: "Tier" }, { Value: "Fast" }]);

    /// <summary>Every way <paramref name="type"/> reaches a server.</summary>
    private static IEnumerable<string> ServerUse(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var fixture in Fixtures(t).Where(IsServer))
                yield return $"{t.Name} has the fixture {fixture.Name}";
            foreach (var collection in t.GetCustomAttributesData().Where(a => a.AttributeType == typeof(CollectionAttribute)))
            {
                var name = (string)collection.ConstructorArguments[0].Value!;
                var definitions = Tests.GetTypes().Where(d => d.GetCustomAttributesData().Any(a =>
                    a.AttributeType == typeof(CollectionDefinitionAttribute) && (string?)a.ConstructorArguments[0].Value == name));
                foreach (var shared in definitions.SelectMany(Fixtures).Where(IsServer))
                    yield return $"{t.Name} is in the collection {name}, which shares {shared.Name}";
            }
            foreach (var parameter in t.GetConstructors(declared).SelectMany(c => c.GetParameters()).Where(p => IsServer(p.ParameterType)))
                yield return $"{t.Name}'s constructor takes {parameter.ParameterType.Name}";
            foreach (var field in t.GetFields(declared).Where(f => IsServer(f.FieldType)))
                yield return $"{t.Name} holds {field.FieldType.Name}";
        }
    }

    private static IEnumerable<Type> Fixtures(Type type) =>
        type.GetInterfaces().Where(i => i.IsGenericType
                && (i.GetGenericTypeDefinition() == typeof(IClassFixture<>) || i.GetGenericTypeDefinition() == typeof(ICollectionFixture<>)))
            .Select(i => i.GetGenericArguments()[0]);

    private static bool IsServer(Type type) => ServerTypes.Any(s => s.IsAssignableFrom(type));

    // the check's own cases: private and without tests, so xunit never runs them nor starts their servers
    [Collection(IntegrationCollection.Name)]
    private class InTheServersCollection;

    private sealed class DerivedFromOneInIt : InTheServersCollection;

    private sealed class ServersHost : IClassFixture<Servers>;

    private sealed class TakesAServer(PostgresServer server)
    {
        public int Port => server.Port;
    }
}
