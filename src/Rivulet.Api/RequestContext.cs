namespace Rivulet.Api;

/// <summary>Who is calling and when: resolved once per request before the operation runs.</summary>
public sealed record RequestContext(string AccountId, string Region, DateTimeOffset Now)
{
    public long NowMs => Now.ToUnixTimeMilliseconds();
}
