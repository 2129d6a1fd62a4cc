namespace Outpost.Packaging.Tests.Building;

public sealed class ExcludeMatcherTests
{
    [Theory]
    [InlineData("logs", "logs", true)]
    [InlineData("logs", "logs/a/b.txt", true)]
    [InlineData("logs", "src/logs", false)]
    [InlineData("logs", "logsx", false)]
    [InlineData("*.log", "a.log", true)]
    [InlineData("*.log", "dir/a.log", false)]
    [InlineData("**/*.log", "dir/sub/a.log", true)]
    [InlineData("**/*.log", "a.log", true)]
    [InlineData("node_modules/.cache", "node_modules/.cache/x", true)]
    [InlineData("node_modules/*/test", "node_modules/pkg/test/a.js", true)]
    [InlineData("node_modules/*/test", "node_modules/pkg/lib/a.js", false)]
    [InlineData("data?.bin", "data1.bin", true)]
    [InlineData("data?.bin", "data12.bin", false)]
    [InlineData("build/**", "build/x/y", true)]
    [InlineData("build/**", "builds/x", false)]
    public void IsExcluded_Pattern_MatchesPathOrItsDirectories(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new ExcludeMatcher([pattern]).IsExcluded(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a/..")]
    public void CheckPattern_BadPattern_ReturnsProblem(string pattern)
    {
        Assert.NotNull(ExcludeMatcher.CheckPattern(pattern));
    }
}
