<?php

namespace App\Http\Controllers;

use App\Models\User;
use Illuminate\Http\Request;

/**
 * GET /_offramp/whoami: the remote-auth endpoint a team adds to its own monolith.
 * 200 {"id":1,"email":"…","name":"…","roles":["admin"]} for a logged-in session, else 401.
 */
class WhoamiController extends Controller
{
    public function __invoke(Request $request)
    {
        $user = $request->user();
        if (! $user) {
            return response()->json(['message' => 'Unauthenticated.'], 401);
        }

        return response()->json(self::present($user))->header('Cache-Control', 'no-store, private');
    }

    public static function present(User $user): array
    {
        return [
            'id' => (int) $user->id,
            'email' => $user->email,
            'name' => $user->name,
            'is_admin' => (bool) $user->is_admin,
            'roles' => $user->is_admin ? ['admin', 'customer'] : ['customer'],
        ];
    }
}
