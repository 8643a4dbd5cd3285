using System.Text;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class Crc32CTests
{
    [Theory]
    [InlineData("123456789", 3808858755u)]
    [InlineData("", 0u)]
    [InlineData("my-secret-value", 559440224u)]
    [InlineData("""{"username":"app","password":"s3cr3t"}""", 2398733659u)]
    public void Known_vectors(string text, uint expected) => Assert.Equal(expected, Crc32C.Compute(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void It_is_Castagnoli_not_the_IEEE_polynomial()
        => Assert.NotEqual(3421780262u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Every_length_and_alignment_agrees_with_a_bitwise_reference()
    {
        var data = new byte[100];
        new Random(7).NextBytes(data);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; length <= data.Length - start; length++)
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(Reference(slice), Crc32C.Compute(slice));
            }
        }
    }

    private static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
