using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>What the store answered is what the error says: never the SDK's exception type, never "cannot reach" for an answer.</summary>
[Trait("Tier", "Fast")]
public class S3ErrorsTests
{
    private static readonly StorageSettings Storage = new() { Endpoint = "minio:9000", AccessKey = "AKIA", SecretKey = "s3cr3t-value", Bucket = "observatory-backups" };

    [Fact]
    public void A_refusal_without_a_body_says_the_status_not_the_exception_type()
    {
        var head403 = new AmazonS3Exception("Exception of type 'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.",
            new Exception("Exception of type 'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown."), ErrorType.Sender, null, "req", HttpStatusCode.Forbidden);

        var ex = S3Errors.Translate(head403, Storage, "postgres/2026/01/01/x_20260101_000000.sql.gz");

        Assert.Equal(("StorageAccessDenied", ObsErrorKind.AuthenticationFailed), (ex.ErrorId, ex.Kind));
        Assert.Contains("HTTP 403 Forbidden, with no error body", ex.Message);
        Assert.DoesNotContain("Exception of type", ex.Message);
        Assert.DoesNotContain("s3cr3t-value", ex.Message);
    }

    [Fact]
    public void A_full_store_is_reported_with_what_it_answered_not_as_unreachable()
    {
        var full = new AmazonS3Exception("Storage backend has reached its minimum free drive threshold. Please delete a few objects to proceed.",
            new HttpRequestException("507"), ErrorType.Receiver, "XMinioStorageFull", "req", (HttpStatusCode)507);

        var ex = S3Errors.Translate(full, Storage, "postgres/2026/01/01/x_20260101_000000.sql.gz");

        Assert.Equal("StorageError", ex.ErrorId);
        Assert.Contains("answered: HTTP 507 InsufficientStorage XMinioStorageFull: Storage backend has reached its minimum free drive threshold", ex.Message);
        Assert.DoesNotContain("Cannot reach", ex.Message);
    }
}
