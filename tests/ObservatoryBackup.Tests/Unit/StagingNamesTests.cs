using System.Text;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The databases a staged restore makes beside its target: each target's own, whatever its length.</summary>
[Trait("Tier", "Fast")]
public class StagingNamesTests
{
    [Theory]
    [InlineData("tenant_database_for_customer_number_0001", "tenant_database_for_customer_number_0002")]
    [InlineData("a_name_of_sixty_three_bytes_which_is_what_postgres_keeps_whole1", "a_name_of_sixty_three_bytes_which_is_what_postgres_keeps_whole2")]
    [InlineData("ééééééééééééééééééééééééééééééé1", "ééééééééééééééééééééééééééééééé2")]
    public void Two_long_names_sharing_a_start_never_share_staging_names(string one, string other)
    {
        foreach (var suffix in new[] { StagingNames.StagingSuffix, StagingNames.ReplacedSuffix })
        {
            var mine = StagingNames.NameWithSuffix(one, suffix + "20260101000000");
            var theirs = StagingNames.NameWithSuffix(other, suffix + "20260101000000");
            Assert.NotEqual(mine, theirs);
            Assert.InRange(Encoding.UTF8.GetByteCount(mine), 1, 63);
            Assert.True(StagingNames.IsOwnName(one, mine, suffix));
            // a restore of one removes its own leftovers, never the other's staging database
            Assert.False(StagingNames.IsOwnName(one, theirs, suffix));
            Assert.True(TransientDatabase.IsStagingShaped(theirs));
        }
    }

    [Fact]
    public void A_short_name_keeps_its_whole_name_before_the_suffix()
    {
        Assert.Equal("observatory_obs_restore_20260101000000", StagingNames.NameWithSuffix("observatory", StagingNames.StagingSuffix + "20260101000000"));
        Assert.False(TransientDatabase.IsStagingShaped("observatory"));
        Assert.False(TransientDatabase.IsStagingShaped("observatory_obs_restore_2026"));
        Assert.True(TransientDatabase.IsTransient("obs_test_20260101000000_0123abcd"));
        Assert.False(TransientDatabase.IsTransient("obs_test_of_mine"));
    }
}
