namespace ObservatoryBackup.Store;

/// <summary>
/// A proof that a read of an object must give of the object's bytes: fed them as they pass, in order,
/// then asked once they end. <see cref="Finish"/> throws the engine's exception when they do not hold,
/// so the read fails instead of ending. One check is one pass over the object.
/// </summary>
internal interface IContentCheck
{
    void Append(ReadOnlySpan<byte> data);

    void Finish();
}
