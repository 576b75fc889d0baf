namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>Names as UTF-8 with their numbers (the index in <see cref="Names"/>), open addressing on a cheap hash of the bytes.</summary>
internal sealed class Utf8NameTable
{
    private readonly int[] _slots;

    public Utf8NameTable(byte[][] names)
    {
        Names = names;
        var size = 16;
        while (size < names.Length * 4)
        {
            size *= 2;
        }

        _slots = new int[size];
        Array.Fill(_slots, -1);
        for (var i = 0; i < names.Length; i++)
        {
            var slot = Hash(names[i]) & (size - 1);
            while (_slots[slot] >= 0)
            {
                slot = (slot + 1) & (size - 1);
            }

            _slots[slot] = i;
        }
    }

    public byte[][] Names { get; }

    public int Find(ReadOnlySpan<byte> name)
    {
        var mask = _slots.Length - 1;
        for (var slot = Hash(name) & mask; _slots[slot] is var number and >= 0; slot = (slot + 1) & mask)
        {
            if (name.SequenceEqual(Names[number]))
            {
                return number;
            }
        }

        return -1;
    }

    private static int Hash(ReadOnlySpan<byte> name) =>
        name.IsEmpty ? 0 : (name.Length * 31) ^ (name[0] * 131) ^ (name[^1] * 7) ^ (name[name.Length / 2] * 1031);
}
