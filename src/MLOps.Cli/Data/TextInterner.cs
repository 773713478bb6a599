namespace MLOps.Cli.Data;

/// <summary>
/// Shares one string per distinct category text so a repeated category costs no allocation; stops adding after
/// <see cref="MaxEntries"/> distinct values (an id-like column then allocates as usual instead of growing the table).
/// </summary>
internal sealed class TextInterner
{
    private const int MaxEntries = 10_000;
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public TextInterner()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out string? found))
        {
            return found;
        }

        string value = text.ToString();
        if (_strings.Count < MaxEntries)
        {
            _strings.Add(value);
        }

        return value;
    }
}
