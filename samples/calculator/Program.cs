// A calculator language and a word count: an ordinary .NET console program (tokenizer, recursive-descent
// parser, tree-walking interpreter, then a word-frequency report). BuddyOS compiles this same file, unmodified,
// into its kernel and runs it at boot (self-test bcl_program); the host tests run it here too and compare the
// two outputs line by line.
//   dotnet run --project samples/calculator
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Calculator
{
    public static class Program
    {
        private const string Script = @"
# the calculator's own language: let, print, functions, ^ for powers
let r = 2.5
let area = pi * r ^ 2
print area, sqrt(area), round(area, 3)
let hyp = sqrt(3 ^ 2 + 4 ^ 2)
print hyp, sin(pi / 6), cos(0), log(e), max(3, 7, 5)
let fib10 = fib(10)
print fib10, fib(20) / fib(19), 2 ^ 10 - 1
print 1 / 3, -7 % 3, abs(-2.75)
print undefined_name + 1
print 3 +* 4
print 1e400
print nosuch(1)
let ok = 40 + 2
print ok";

        private const string Text = @"It was the best of times, it was the worst of times, it was the age of wisdom,
it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season
of Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair.";

        public static int Main(string[] args)
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var interpreter = new Interpreter();
            int errors = 0;
            string[] lines = Script.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                try
                {
                    string output = interpreter.Run(line);
                    if (output != null)
                        Console.WriteLine($"{i,3}: {output}");
                }
                catch (CalcException e)
                {
                    errors++;
                    Console.WriteLine($"{i,3}: error at column {e.Column}: {e.Message}");
                }
            }
            Console.WriteLine($"variables: {string.Join(", ", interpreter.Variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value:G6}"))}");
            Console.WriteLine($"errors: {errors}");

            WordReport(Text);
            return errors == 4 ? 0 : 1;
        }

        private static void WordReport(string text)
        {
            string[] words = text.Split(new[] { ' ', ',', '.', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.ToLowerInvariant()).ToArray();
            var counts = new Dictionary<string, int>();
            foreach (string w in words)
                counts[w] = counts.GetValueOrDefault(w) + 1;
            var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(6).ToList();
            var chart = new StringBuilder();
            foreach (var (word, count) in top)
                chart.AppendLine($"{word,-8}{count,3} {new string('#', count)}");
            Console.Write(chart.ToString());
            double mean = counts.Values.Average();
            double deviation = Math.Sqrt(counts.Values.Sum(c => Math.Pow(c - mean, 2)) / counts.Count);
            int longest = words.Max(w => w.Length);
            Console.WriteLine($"{words.Length} words, {counts.Count} distinct, mean {mean:F3} per word, deviation {deviation:F3}, longest {longest} letters ({string.Join("/", words.Where(w => w.Length == longest).Distinct())})");
        }
    }

    public sealed class CalcException : Exception
    {
        public int Column { get; }

        public CalcException(string message, int column) : base(message) => Column = column;
    }

    internal enum TokenKind { Number, Name, Symbol, End }

    internal readonly record struct Token(TokenKind Kind, string Text, int Column);

    internal static class Lexer
    {
        public static List<Token> Tokenize(string line)
        {
            var tokens = new List<Token>();
            int i = 0;
            while (i < line.Length)
            {
                char c = line[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (char.IsDigit(c) || c == '.')
                {
                    int start = i;
                    while (i < line.Length && (char.IsDigit(line[i]) || line[i] == '.'))
                        i++;
                    if (i < line.Length && (line[i] == 'e' || line[i] == 'E'))
                    {
                        i++;
                        if (i < line.Length && (line[i] == '+' || line[i] == '-'))
                            i++;
                        while (i < line.Length && char.IsDigit(line[i]))
                            i++;
                    }
                    tokens.Add(new Token(TokenKind.Number, line.Substring(start, i - start), start + 1));
                }
                else if (char.IsLetter(c) || c == '_')
                {
                    int start = i;
                    while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_'))
                        i++;
                    tokens.Add(new Token(TokenKind.Name, line[start..i], start + 1));
                }
                else if ("+-*/%^(),=".Contains(c))
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), i + 1));
                    i++;
                }
                else
                {
                    throw new CalcException($"unexpected character '{c}'", i + 1);
                }
            }
            tokens.Add(new Token(TokenKind.End, "", line.Length + 1));
            return tokens;
        }
    }

    internal abstract record Node(int Column);
    internal sealed record NumberNode(double Value, int Column) : Node(Column);
    internal sealed record NameNode(string Name, int Column) : Node(Column);
    internal sealed record UnaryNode(char Op, Node Operand, int Column) : Node(Column);
    internal sealed record BinaryNode(char Op, Node Left, Node Right, int Column) : Node(Column);
    internal sealed record CallNode(string Function, List<Node> Arguments, int Column) : Node(Column);

    // expression := term (('+' | '-') term)*; term := power (('*' | '/' | '%') power)*;
    // power := unary ('^' power)?; unary := '-' unary | primary; primary := number | name | call | '(' expression ')'
    internal sealed class Parser
    {
        private readonly List<Token> _tokens;
        private int _at;

        public Parser(List<Token> tokens) => _tokens = tokens;

        private Token Peek => _tokens[_at];

        private bool IsSymbol(string s) => Peek.Kind == TokenKind.Symbol && Peek.Text == s;

        private Token Expect(string symbol)
        {
            if (!IsSymbol(symbol))
                throw new CalcException($"expected '{symbol}' but found '{Describe(Peek)}'", Peek.Column);
            return _tokens[_at++];
        }

        private static string Describe(Token t) => t.Kind == TokenKind.End ? "end of line" : t.Text;

        public List<Node> ParseList()
        {
            var nodes = new List<Node> { ParseExpression() };
            while (IsSymbol(","))
            {
                _at++;
                nodes.Add(ParseExpression());
            }
            if (Peek.Kind != TokenKind.End)
                throw new CalcException($"unexpected '{Describe(Peek)}'", Peek.Column);
            return nodes;
        }

        public Node ParseExpression()
        {
            Node left = ParseTerm();
            while (IsSymbol("+") || IsSymbol("-"))
            {
                Token op = _tokens[_at++];
                left = new BinaryNode(op.Text[0], left, ParseTerm(), op.Column);
            }
            return left;
        }

        private Node ParseTerm()
        {
            Node left = ParsePower();
            while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%"))
            {
                Token op = _tokens[_at++];
                left = new BinaryNode(op.Text[0], left, ParsePower(), op.Column);
            }
            return left;
        }

        private Node ParsePower()
        {
            Node left = ParseUnary();
            if (!IsSymbol("^"))
                return left;
            Token op = _tokens[_at++];
            return new BinaryNode('^', left, ParsePower(), op.Column);
        }

        private Node ParseUnary()
        {
            if (!IsSymbol("-"))
                return ParsePrimary();
            Token op = _tokens[_at++];
            return new UnaryNode('-', ParseUnary(), op.Column);
        }

        private Node ParsePrimary()
        {
            Token t = _tokens[_at];
            switch (t.Kind)
            {
                case TokenKind.Number:
                    _at++;
                    if (!double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                        throw new CalcException($"'{t.Text}' is not a number", t.Column);
                    if (double.IsInfinity(value))
                        throw new CalcException($"'{t.Text}' is too large", t.Column);
                    return new NumberNode(value, t.Column);
                case TokenKind.Name:
                    _at++;
                    if (!IsSymbol("("))
                        return new NameNode(t.Text, t.Column);
                    _at++;
                    var arguments = new List<Node>();
                    if (!IsSymbol(")"))
                    {
                        arguments.Add(ParseExpression());
                        while (IsSymbol(","))
                        {
                            _at++;
                            arguments.Add(ParseExpression());
                        }
                    }
                    Expect(")");
                    return new CallNode(t.Text, arguments, t.Column);
                default:
                    if (IsSymbol("("))
                    {
                        _at++;
                        Node inner = ParseExpression();
                        Expect(")");
                        return inner;
                    }
                    throw new CalcException($"expected a value but found '{Describe(t)}'", t.Column);
            }
        }
    }

    internal sealed class Interpreter
    {
        public Dictionary<string, double> Variables { get; } = new() { ["pi"] = Math.PI, ["e"] = Math.E };

        private readonly Dictionary<string, Func<double[], double>> _functions = new()
        {
            ["sqrt"] = a => Math.Sqrt(a[0]),
            ["sin"] = a => Math.Sin(a[0]),
            ["cos"] = a => Math.Cos(a[0]),
            ["log"] = a => Math.Log(a[0]),
            ["abs"] = a => Math.Abs(a[0]),
            ["round"] = a => Math.Round(a[0], (int)a[1]),
            ["max"] = a => a.Max(),
            ["fib"] = a => Fibonacci((int)a[0]),
        };

        private static double Fibonacci(int n)
        {
            long a = 0, b = 1;
            for (int i = 0; i < n; i++)
                (a, b) = (b, a + b);
            return a;
        }

        // One statement: `let name = expression` (prints nothing) or `print expression, ...`.
        public string Run(string line)
        {
            List<Token> tokens = Lexer.Tokenize(line);
            if (tokens[0].Kind == TokenKind.Name && tokens[0].Text == "let")
            {
                if (tokens.Count < 4 || tokens[1].Kind != TokenKind.Name || tokens[2].Text != "=")
                    throw new CalcException("expected 'let name = expression'", tokens[0].Column);
                var parser = new Parser(tokens.GetRange(3, tokens.Count - 3));
                List<Node> value = parser.ParseList();
                Variables[tokens[1].Text] = Evaluate(value[0]);
                return null;
            }
            if (tokens[0].Kind == TokenKind.Name && tokens[0].Text == "print")
            {
                List<Node> values = new Parser(tokens.GetRange(1, tokens.Count - 1)).ParseList();
                return string.Join("  ", values.Select(v => Format(Evaluate(v))));
            }
            throw new CalcException($"expected 'let' or 'print' but found '{tokens[0].Text}'", tokens[0].Column);
        }

        private static string Format(double value) =>
            value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString() : value.ToString("0.########");

        private double Evaluate(Node node) => node switch
        {
            NumberNode n => n.Value,
            NameNode v => Variables.TryGetValue(v.Name, out double value) ? value
                : throw new CalcException($"unknown variable '{v.Name}'", v.Column),
            UnaryNode u => -Evaluate(u.Operand),
            BinaryNode b => b.Op switch
            {
                '+' => Evaluate(b.Left) + Evaluate(b.Right),
                '-' => Evaluate(b.Left) - Evaluate(b.Right),
                '*' => Evaluate(b.Left) * Evaluate(b.Right),
                '/' => Evaluate(b.Left) / Evaluate(b.Right),
                '%' => Evaluate(b.Left) % Evaluate(b.Right),
                '^' => Math.Pow(Evaluate(b.Left), Evaluate(b.Right)),
                _ => throw new CalcException($"unknown operator '{b.Op}'", b.Column),
            },
            CallNode c => _functions.TryGetValue(c.Function, out var f)
                ? f(c.Arguments.Select(Evaluate).ToArray())
                : throw new CalcException($"unknown function '{c.Function}'", c.Column),
            _ => throw new InvalidOperationException(node.GetType().Name),
        };
    }
}
