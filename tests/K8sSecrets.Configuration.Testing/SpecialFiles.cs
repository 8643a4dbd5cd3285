using System.Runtime.InteropServices;

namespace K8sSecrets.Configuration.Testing;

/// <summary>Creates files that are not regular files (named pipes) and swaps links, as a hostile or careless writer might.</summary>
public static partial class SpecialFiles
{
    /// <summary>Creates a named pipe (FIFO) at <paramref name="path"/>.</summary>
    public static void CreateFifo(string path)
    {
        if (mkfifo(path, 0b110_100_100) != 0)
        {
            throw new IOException($"mkfifo {path} failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Opens the pipe for writing and closes it, which releases a reader blocked opening it.</summary>
    public static void ReleaseFifoReaders(string path)
    {
        const int WriteOnlyNonBlocking = 0x1 | 0x800;
        var fd = open(path, WriteOnlyNonBlocking);
        if (fd >= 0)
        {
            close(fd);
        }
    }

    /// <summary>Renames with rename(2): atomic, and moves a symbolic link itself whatever it points to.</summary>
    public static void Rename(string from, string to)
    {
        if (rename(from, to) != 0)
        {
            throw new IOException($"rename {from} -> {to} failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
