using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FastNmf.IO;

/// <summary>
/// Parses the subset of Python literal syntax that <c>.npy</c> headers use (dicts, tuples, lists, strings, integers,
/// floats, True/False/None). Hand-written rather than regex-based so that key order, optional whitespace, trailing
/// commas and nested structured-dtype descriptions are all handled, and so that every failure is a
/// <see cref="FormatException"/> rather than something a fuzzed header could turn into a crash.
/// </summary>
internal sealed class NpyLiteralParser(string text)
{
    // Deep enough for any real structured dtype; shallow enough that "((((((..." cannot overflow the stack.
    private const int MaxDepth = 64;
    private readonly string _text = text;
    private int _pos;
    private int _depth;

    public Dictionary<string, (object? Value, string Raw)> ParseHeaderDict()
    {
        SkipWhitespace();
        Expect('{');
        var result = new Dictionary<string, (object? Value, string Raw)>(StringComparer.Ordinal);
        _depth = 1;
        while (true)
        {
            SkipWhitespace();
            if (TryConsume('}'))
            {
                break;
            }

            string key = ParseKey();
            SkipWhitespace();
            int start = _pos;
            object? value = ParseValue();
            result[key] = (value, _text[start.._pos]);
            SkipWhitespace();
            if (!TryConsume(','))
            {
                Expect('}');
                break;
            }
        }

        SkipWhitespace();
        if (_pos != _text.Length)
        {
            throw new FormatException($"unexpected text after the dictionary at character {_pos}");
        }

        return result;
    }

    private string ParseKey()
    {
        if (ParseValue() is not string key)
        {
            throw new FormatException($"dictionary keys must be strings (character {_pos})");
        }

        SkipWhitespace();
        Expect(':');
        SkipWhitespace();
        return key;
    }

    private object? ParseValue()
    {
        if (_pos >= _text.Length)
        {
            throw new FormatException("unexpected end of the header");
        }

        char c = _text[_pos];
        switch (c)
        {
            case '\'' or '"':
                return ParseString();
            case '(':
                return Nested(() => ParseSequence(')', isTuple: true));
            case '[':
                return Nested(() => ParseSequence(']', isTuple: false));
            case '{':
                return Nested(ParseNestedDict);
            case '+' or '-' or '.' or (>= '0' and <= '9'):
                return ParseNumber();
            default:
                if (char.IsAsciiLetter(c) || c == '_')
                {
                    return ParseName();
                }

                throw new FormatException($"unexpected character '{c}' at character {_pos}");
        }
    }

    private object? Nested(Func<object?> parse)
    {
        if (++_depth > MaxDepth)
        {
            throw new FormatException($"nested more than {MaxDepth} levels deep");
        }

        object? value = parse();
        _depth--;
        return value;
    }

    private object? ParseSequence(char close, bool isTuple)
    {
        _pos++;
        var items = new List<object?>();
        bool sawComma = false;
        while (true)
        {
            SkipWhitespace();
            if (TryConsume(close))
            {
                break;
            }

            items.Add(ParseValue());
            SkipWhitespace();
            if (TryConsume(','))
            {
                sawComma = true;
                continue;
            }

            Expect(close);
            break;
        }

        // In Python "(5)" is just 5 in parentheses; only a comma (or emptiness) makes a tuple.
        return isTuple && items.Count == 1 && !sawComma ? items[0] : new Sequence(items, isTuple);
    }

    private Dictionary<string, object?> ParseNestedDict()
    {
        _pos++;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipWhitespace();
            if (TryConsume('}'))
            {
                return result;
            }

            string key = ParseKey();
            result[key] = ParseValue();
            SkipWhitespace();
            if (!TryConsume(','))
            {
                Expect('}');
                return result;
            }
        }
    }

    private string ParseString()
    {
        char quote = _text[_pos++];
        var value = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new FormatException("unterminated string");
            }

            char c = _text[_pos++];
            if (c == quote)
            {
                return value.ToString();
            }

            if (c == '\n')
            {
                throw new FormatException("unterminated string");
            }

            if (c == '\\')
            {
                if (_pos >= _text.Length)
                {
                    throw new FormatException("unterminated string");
                }

                // Only the escapes that could plausibly occur in a field name matter; the rest pass through.
                char escaped = _text[_pos++];
                value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => escaped });
            }
            else
            {
                value.Append(c);
            }
        }
    }

    private object ParseNumber()
    {
        int start = _pos;
        if (_text[_pos] is '+' or '-')
        {
            _pos++;
        }

        int digitsStart = _pos;
        SkipDigits();
        bool isInteger = true;
        if (_pos < _text.Length && _text[_pos] == '.')
        {
            isInteger = false;
            _pos++;
            SkipDigits();
        }

        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            isInteger = false;
            _pos++;
            if (_pos < _text.Length && _text[_pos] is '+' or '-')
            {
                _pos++;
            }

            SkipDigits();
        }

        ReadOnlySpan<char> token = _text.AsSpan(start, _pos - start);
        if (isInteger)
        {
            if (_pos == digitsStart)
            {
                throw new FormatException($"malformed number at character {start}");
            }

            // Python 2 era NumPy wrote long integers with an 'L' suffix, e.g. (3L, 4L).
            if (_pos < _text.Length && _text[_pos] is 'L' or 'l')
            {
                _pos++;
            }

            return long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
                ? value
                : new OversizedInteger(token[0] == '-');
        }

        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double real)
            ? real
            : throw new FormatException($"malformed number at character {start}");
    }

    private object? ParseName()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        string name = _text[start.._pos];
        switch (name)
        {
            case "True":
                return true;
            case "False":
                return false;
            case "None":
                return null;
        }

        // String prefixes such as u'<f4' (Python 2 unicode) or b'...'.
        if (name.Length <= 2 && name.All(ch => ch is 'u' or 'U' or 'b' or 'B' or 'r' or 'R') &&
            _pos < _text.Length && _text[_pos] is '\'' or '"')
        {
            return ParseString();
        }

        throw new FormatException($"unexpected name '{NpyHeader.Abbreviate(name)}' at character {start}");
    }

    private void SkipDigits()
    {
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
        {
            _pos++;
        }
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw new FormatException(_pos < _text.Length
                ? $"expected '{c}' at character {_pos}, found '{_text[_pos]}'"
                : $"expected '{c}' at character {_pos}, found the end of the header");
        }
    }

    /// <summary>A Python tuple or list.</summary>
    public sealed record Sequence(List<object?> Items, bool IsTuple);

    /// <summary>An integer literal outside the range of <see cref="long"/>.</summary>
    public sealed record OversizedInteger(bool Negative);
}
