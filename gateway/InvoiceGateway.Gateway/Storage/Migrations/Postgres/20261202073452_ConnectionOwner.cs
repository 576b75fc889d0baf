using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InvoiceGateway.Gateway.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConnectionOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "connections",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Owner",
                table: "connections");
        }
    }
}
