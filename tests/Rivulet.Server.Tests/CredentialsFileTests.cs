namespace Rivulet.Server.Tests;

/// <summary>The credentials file of <c>--auth verify</c>: the AWS shared credentials format, with its mistakes named by line.</summary>
public sealed class CredentialsFileTests
{
    [Fact]
    public void Sections_give_keys_secrets_accounts_and_tokens_and_other_settings_are_ignored()
    {
        var credentials = CredentialsFile.Parse(
            """
            # comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = se#cret;with/characters ; and a comment
            region = eu-west-1

            [profile team]
            AWS_ACCESS_KEY_ID=AKIATEAM
            aws_secret_access_key=team
            aws_account_id = 123456789012
            aws_session_token = one
            [team-again]
            aws_access_key_id = AKIATEAM
            aws_secret_access_key = team
            aws_account_id = 123456789012
            aws_session_token = two
            [settings-only]
            output = json
            """.Split('\n'),
            "creds");

        Assert.Equal(2, credentials.Count);
        var first = credentials.Single(c => c.AccessKeyId == "AKIADEFAULT");
        Assert.Equal(("se#cret;with/characters", null), (first.SecretAccessKey, first.AccountId));
        Assert.Empty(first.SessionTokens);
        var team = credentials.Single(c => c.AccessKeyId == "AKIATEAM");
        Assert.Equal(("team", "123456789012"), (team.SecretAccessKey, team.AccountId));
        Assert.Equal(["one", "two"], team.SessionTokens);
    }

    [Theory]
    [InlineData("[a]\naws_access_key_id = K", "line 1", "both")]
    [InlineData("[a]\naws_access_key_id = K\naws_secret_access_key = S\naws_account_id = 12", "line 4", "12 digits")]
    [InlineData("aws_access_key_id = K", "line 1", "before any [section]")]
    [InlineData("[a\naws_access_key_id = K", "line 1", "[name]")]
    [InlineData("[a]\njust words", "line 2", "name = value")]
    [InlineData("[a]\naws_access_key_id = K\naws_secret_access_key = S\n[b]\naws_access_key_id = K\naws_secret_access_key = T", "line 4", "repeats access key K")]
    [InlineData("[a]\nregion = us-east-1", "creds", "no section")]
    public void Mistakes_are_named_with_their_line(string text, string where, string why)
    {
        var error = Assert.Throws<IOException>(() => CredentialsFile.Parse(text.Split('\n'), "creds"));

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
