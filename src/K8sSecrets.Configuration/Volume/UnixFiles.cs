using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace K8sSecrets.Configuration;

/// <summary>
/// The two things .NET does not expose about a file on Linux: its type (so a named pipe, socket or
/// device is refused instead of blocking a read forever) and its identity (device and inode, so a
/// replaced mount folder is noticed). Uses <c>open(O_NONBLOCK)</c> and <c>statx</c>, whose buffer has
/// one layout on every architecture. Elsewhere, or where the C library lacks them, it falls back to
/// .NET's own open and reports no identity.
/// </summary>
internal static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeAndInode = 0x1 | 0x100;
    private const uint StatxTypeAndSize = 0x1 | 0x200;
    private const int OpenReadNonBlocking = 0x800 /* O_NONBLOCK */ | 0x100 /* O_NOCTTY */ | 0x80000 /* O_CLOEXEC */;
    private const int CloseOnExec = 0x80000; // O_CLOEXEC, the same on x86-64 and arm64
    private const int TypeMask = 0xF000;
    private const int RegularFileType = 0x8000;
    private const int ErrNoEntry = 2;
    private const int ErrNotDirectory = 20;
    private const int ErrAccess = 13;
    private const int ErrPermission = 1;
    private const int ErrLoop = 40;
    private const int ErrInterrupted = 4;

    private static bool s_native = OperatingSystem.IsLinux();

    /// <summary>
    /// <c>O_NOFOLLOW</c> and <c>O_DIRECTORY</c> of this architecture: x86-64 uses the generic values,
    /// arm64 those of 32-bit ARM (arch/arm64/include/uapi/asm/fcntl.h). Elsewhere 0, and files are
    /// opened by path: a wrong <c>O_NOFOLLOW</c> would follow links unchecked.
    /// </summary>
    private static readonly (int NoFollow, int Directory) s_flags = !OperatingSystem.IsLinux() ? default
        : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (0x20000, 0x10000),
            Architecture.Arm64 => (0x8000, 0x4000),
            _ => default,
        };

    /// <summary>
    /// Opens a regular file for reading without ever blocking; returns <see langword="null"/> and a
    /// reason for anything else (a named pipe, a socket, a device).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="IOException">The file could not be opened.</exception>
    public static SafeFileHandle? OpenRegular(string path, out string? refusal)
    {
        refusal = null;
        if (Volatile.Read(ref s_native))
        {
            try
            {
                return OpenRegularNative(path, out refusal);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref s_native, false);
            }
        }

        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>The device and inode of <paramref name="path"/> (links followed), or zeros when unknown.</summary>
    public static (ulong Device, ulong Inode) Identity(string path)
    {
        if (Volatile.Read(ref s_native))
        {
            try
            {
                if (statx(AtFdCwd, path, 0, StatxTypeAndInode, out var status) == 0)
                {
                    return (((ulong)status.DevMajor << 32) | status.DevMinor, status.Inode);
                }
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref s_native, false);
            }
        }

        return default;
    }

    /// <summary>
    /// A handle on the folder <paramref name="path"/>, to open its files relative to it (one path
    /// lookup for the whole read instead of one per file); <see langword="null"/> where that is not
    /// available, and the files are then opened by path.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder is gone.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be read.</exception>
    public static SafeFileHandle? OpenFolder(string path)
    {
        if (s_flags.NoFollow == 0 || !Volatile.Read(ref s_native))
        {
            return null;
        }

        try
        {
            var fd = open(path, s_flags.Directory | CloseOnExec);
            if (fd >= 0)
            {
                return new SafeFileHandle(fd, ownsHandle: true);
            }

            var errno = Marshal.GetLastPInvokeError();
            var reason = Marshal.GetPInvokeErrorMessage(errno);
            throw errno switch
            {
                ErrNoEntry or ErrNotDirectory => new DirectoryNotFoundException($"{reason}: '{path}'"),
                ErrAccess or ErrPermission => new UnauthorizedAccessException($"{reason}: '{path}'"),
                _ => new IOException($"{reason}: '{path}'"),
            };
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref s_native, false);
            return null;
        }
    }

    /// <summary>
    /// Opens <paramref name="name"/> (relative to <paramref name="folder"/>) without following a
    /// link in its last part and without ever blocking, and learns its type and size in the same
    /// <c>statx</c>: a link comes back as <see cref="RegularFile.IsLink"/> (the caller checks it and
    /// opens it by path), anything but a regular file as <see cref="RegularFile.Refusal"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="IOException">The file could not be opened.</exception>
    public static RegularFile OpenRegularAt(SafeFileHandle folder, string name)
    {
        var fd = openat(folder, name, OpenReadNonBlocking | s_flags.NoFollow);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == ErrLoop ? new RegularFile(-1, 0, null, IsLink: true) : throw OpenFailure(errno, name);
        }

        if (statx(fd, string.Empty, AtEmptyPath, StatxTypeAndSize, out var status) != 0)
        {
            var reason = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            close(fd);
            throw new IOException(reason);
        }

        if ((status.Mode & TypeMask) != RegularFileType)
        {
            close(fd);
            return new RegularFile(-1, 0, $"is not a regular file ({Describe(status.Mode)}) and is not read", IsLink: false);
        }

        return new RegularFile(fd, (long)status.Size, null, IsLink: false);
    }

    private static Exception OpenFailure(int errno, string path)
    {
        var reason = Marshal.GetPInvokeErrorMessage(errno);
        return errno switch
        {
            ErrNoEntry or ErrNotDirectory => new FileNotFoundException(reason, path),
            ErrAccess or ErrPermission => new UnauthorizedAccessException(reason),
            _ => new IOException(reason),
        };
    }

    private static SafeFileHandle? OpenRegularNative(string path, out string? refusal)
    {
        refusal = null;
        var fd = open(path, OpenReadNonBlocking);
        if (fd < 0)
        {
            throw OpenFailure(Marshal.GetLastPInvokeError(), path);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (statx(fd, string.Empty, AtEmptyPath, StatxTypeAndInode, out var status) != 0)
        {
            var reason = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            handle.Dispose();
            throw new IOException(reason);
        }

        if ((status.Mode & TypeMask) != RegularFileType)
        {
            handle.Dispose();
            refusal = $"is not a regular file ({Describe(status.Mode)}) and is not read";
            return null;
        }

        return handle;
    }

    private static string Describe(int mode) => (mode & TypeMask) switch
    {
        0x1000 => "a named pipe",
        0xC000 => "a socket",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x4000 => "a folder",
        _ => "an unknown kind of file",
    };

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat(SafeFileHandle dirfd, string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint pread(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, out Statx buffer);

    /// <summary>The fields used of <c>struct statx</c> (linux/stat.h), whose layout is the same on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }

    /// <summary>
    /// A file opened by <see cref="OpenRegularAt"/>: an open regular file (<see cref="Length"/> from
    /// the same <c>statx</c>), or a link, or a refusal. Disposing closes it.
    /// </summary>
    internal readonly record struct RegularFile(int Fd, long Length, string? Refusal, bool IsLink) : IDisposable
    {
        /// <summary>
        /// Reads from the start into <paramref name="buffer"/> until the end of the file or of the
        /// buffer; a file that is exactly as long as <c>statx</c> said costs one <c>pread</c>.
        /// </summary>
        /// <returns>The number of bytes read.</returns>
        public unsafe int ReadAll(Span<byte> buffer)
        {
            var total = 0;
            fixed (byte* start = buffer)
            {
                while (total < buffer.Length)
                {
                    var read = pread(Fd, start + total, (nuint)(buffer.Length - total), total);
                    if (read < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == ErrInterrupted)
                        {
                            continue;
                        }

                        throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
                    }

                    total += (int)read;

                    // A shorter read than asked that reaches the size statx gave is the end of a regular file.
                    if (read == 0 || total == Length)
                    {
                        break;
                    }
                }
            }

            return total;
        }

        public void Dispose()
        {
            if (Fd >= 0)
            {
                close(Fd);
            }
        }
    }
}
