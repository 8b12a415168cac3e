namespace Rivulet.Server.Tests;

/// <summary>The budget's accounting: first come, first served, and a reservation that shrinks gives the rest back at once.</summary>
public sealed class ResponseBudgetTests
{
    [Fact]
    public async Task A_reservation_shrunk_to_its_answers_size_lets_the_next_waiter_in()
    {
        var budget = new ResponseBudget(100);
        using var first = await budget.AcquireAsync(100, default);
        var second = budget.AcquireAsync(60, default);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, budget.Waiting);

        first.ShrinkTo(40);

        using var granted = await second;
        Assert.Equal(0, budget.Available);
        Assert.Equal(40, first.Amount);
        first.ShrinkTo(90); // never grows
        Assert.Equal(40, first.Amount);
    }

    [Fact]
    public async Task Disposing_a_shrunk_reservation_gives_back_only_what_it_still_holds()
    {
        var budget = new ResponseBudget(100);
        var lease = await budget.AcquireAsync(80, default);
        lease.ShrinkTo(30);
        Assert.Equal(70, budget.Available);

        lease.Dispose();
        lease.Dispose();
        Assert.Equal(100, budget.Available);
    }

    [Fact]
    public async Task An_answer_larger_than_the_whole_budget_still_goes_alone()
    {
        var budget = new ResponseBudget(100);
        using (var lease = await budget.AcquireAsync(1_000, default))
        {
            Assert.Equal(100, lease.Amount);
            Assert.Equal(0, budget.Available);
        }

        Assert.Equal(100, budget.Available);
    }
}
