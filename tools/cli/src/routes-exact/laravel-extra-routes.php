<?php

// Route shapes real Laravel apps have and apps/legacy does not, registered in the test's process only.

use Illuminate\Support\Facades\Route;

Route::get('/blog/{page?}', fn ($page = 1) => $page)->whereNumber('page')->name('extra.blog');
Route::get('/tags/{tag}', fn ($tag) => $tag)->where('tag', '[a-z]+(?:-[a-z]+)*')->name('extra.tag');
Route::get('/users/{user}/posts/{post?}', fn () => 'ok')->whereNumber('user')->whereAlpha('post')->name('extra.user.posts');
Route::get('/docs/{path}', fn ($path) => $path)->where('path', '.+')->name('extra.docs');
Route::get('/{locale}/about', fn () => 'about')->where('locale', 'en|fr')->name('extra.about');
Route::get('/files/{name}.{ext}', fn () => 'file')->where('ext', 'pdf|txt')->name('extra.file');
Route::domain('{account}.shop.test')->group(function () {
    Route::post('/hooks/{id}', fn () => 'ok')->where('account', '[a-z]+')->name('extra.account.hook');
});
Route::domain('admin.shop.test')->group(function () {
    Route::get('/dashboard', fn () => 'ok')->name('extra.admin.dashboard');
});
Route::match(['PUT', 'DELETE'], '/items/{uuid}', fn () => 'ok')->whereUuid('uuid')->name('extra.item');
