@extends('layouts.app')
@section('title', 'Log in')
@section('content')
<h1>Log in</h1>
<form method="POST" action="/login">
    @csrf
    <p><label>Email <input type="email" name="email" value="{{ old('email') }}" required autofocus></label></p>
    <p><label>Password <input type="password" name="password" required></label></p>
    <p><label><input type="checkbox" name="remember" value="1"> Remember me</label></p>
    @error('email')<p class="error">{{ $message }}</p>@enderror
    @error('password')<p class="error">{{ $message }}</p>@enderror
    <p><button type="submit">Log in</button></p>
</form>
@endsection
