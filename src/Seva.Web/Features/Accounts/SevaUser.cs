using Microsoft.AspNetCore.Identity;

namespace Seva.Web.Features.Accounts;

/// <summary>A Seva account. Its <see cref="IdentityUser.Id"/> is the user id on every record and audio key.</summary>
public sealed class SevaUser : IdentityUser
{
}
