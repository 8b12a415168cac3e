namespace Rivulet.Protocol.Auth;

/// <summary>
/// What Rivulet takes for a region's name: 1 to 63 lowercase letters, digits and hyphens, starting
/// and ending with a letter or digit (a DNS label, as botocore requires of region names; every AWS
/// region, and names such as "local", fit). AWS accepts only the regions it has; an emulator cannot
/// know them all, so anything of this shape is a region, with its own streams.
/// </summary>
public static class RegionName
{
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > 63 || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
