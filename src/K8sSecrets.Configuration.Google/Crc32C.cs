using System.Buffers.Binary;
using System.Numerics;

namespace K8sSecrets.Configuration.Google;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF),
/// the checksum Secret Manager sends as <c>dataCrc32c</c>. <see cref="BitOperations.Crc32C(uint, byte)"/>
/// is the raw update step (SSE4.2 or ARM instructions, with a software fallback); this adds the
/// standard pre- and post-conditioning. (<c>System.IO.Hashing.Crc32</c> is the IEEE polynomial, not this one.)
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
