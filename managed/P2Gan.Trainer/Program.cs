namespace P2Gan.Trainer;

public static class Program
{
    public static Task<int> Main(string[] args) => TrainerApp.RunAsync(args);
}
