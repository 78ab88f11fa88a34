import { Controller, Get, Req } from '@nestjs/common';
import { HostPublic, HostRequest } from '../common/host-auth.guard';

/** The host's own routes (under its global prefix `api`), untouched by ScimModule. */
@Controller()
export class MeController {
  @Get('me')
  me(@Req() req: HostRequest) {
    const u = req.hostUser!;
    return { id: u.id, email: u.email, fullName: u.fullName, active: u.isActive };
  }

  @Get('health')
  @HostPublic()
  health() {
    return { status: 'ok' };
  }
}
