using QRCoder;

namespace Seva.Web.Features.Broadcast;

/// <summary>The QR code of a broadcast's share link, as inline SVG.</summary>
public static class ShareCode
{
    public static string Svg(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.Q);
        return new SvgQRCode(data).GetGraphic(6);
    }
}
