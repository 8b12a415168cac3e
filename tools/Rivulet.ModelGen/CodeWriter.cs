using System.Text;

namespace Rivulet.ModelGen;

// Indented C# text with LF line endings. Blank lines are requested freely and written only where
// the formatter would keep them: never doubled, never right after "{" or right before "}".
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;
    private bool _blankPending;
    private bool _afterOpenBrace = true;

    public void Line(string line)
    {
        if (_blankPending && !_afterOpenBrace && !line.StartsWith('}'))
        {
            _text.Append('\n');
        }

        _blankPending = false;
        _text.Append(' ', _depth * 4).Append(line).Append('\n');
        _afterOpenBrace = line.EndsWith('{');
    }

    public void Blank() => _blankPending = true;

    public void Open()
    {
        Line("{");
        Indent();
    }

    public void Close(string suffix = "")
    {
        Dedent();
        Line("}" + suffix);
    }

    public void Indent() => _depth++;

    public void Dedent() => _depth--;

    public override string ToString() => _text.ToString();
}
