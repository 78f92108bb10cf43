<?php

namespace Tests\Feature;

use Tests\TestCase;

class AuthTest extends TestCase
{
    public function test_login_page_has_a_csrf_field(): void
    {
        $this->get('/login')->assertOk()->assertSee('name="_token"', false)->assertSee('name="password"', false);
    }

    public function test_wrong_password_is_refused(): void
    {
        $this->from('/login')->post('/login', ['email' => 'customer@example.test', 'password' => 'wrong'])
            ->assertRedirect('/login')->assertSessionHasErrors('email');
        $this->assertGuest();
        $this->postJson('/login', ['email' => 'customer@example.test', 'password' => 'wrong'])
            ->assertStatus(422)->assertJsonPath('errors.email.0', 'These credentials do not match our records.');
        $this->postJson('/login', ['email' => 'not-an-email'])->assertStatus(422)->assertJsonValidationErrors(['email', 'password']);
    }

    public function test_login_whoami_logout(): void
    {
        $this->getJson('/_offramp/whoami')->assertStatus(401)->assertExactJson(['message' => 'Unauthenticated.']);

        $this->post('/login', ['email' => 'customer@example.test', 'password' => 'password'])->assertRedirect('/account/orders');
        $this->assertAuthenticatedAs($this->customer());

        $this->get('/_offramp/whoami')->assertOk()->assertExactJson([
            'id' => $this->customer()->id,
            'email' => 'customer@example.test',
            'name' => 'Casey Customer',
            'is_admin' => false,
            'roles' => ['customer'],
        ]);

        $this->post('/logout')->assertRedirect('/login');
        $this->assertGuest();
        $this->getJson('/_offramp/whoami')->assertStatus(401);
    }

    public function test_admin_whoami_and_guest_redirects(): void
    {
        $this->actingAs($this->admin())->get('/_offramp/whoami')->assertOk()->assertJsonPath('roles', ['admin', 'customer'])->assertJsonPath('is_admin', true);
        $this->get('/login')->assertRedirect('/account/orders');
    }

    public function test_pages_need_a_login(): void
    {
        $this->get('/account/orders')->assertRedirect('/login');
        $this->get('/reports/sales.csv')->assertRedirect('/login');
        $this->get('/api/orders/1')->assertStatus(401)->assertExactJson(['message' => 'Unauthenticated.']);
    }
}
